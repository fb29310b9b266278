"""The payment provider adapter."""
