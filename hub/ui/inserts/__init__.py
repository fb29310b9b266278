"""/i/<code>: the page behind delivery-insert and receipt QR codes."""
