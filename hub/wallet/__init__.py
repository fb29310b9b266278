"""Apple Wallet and Google Wallet passes."""
