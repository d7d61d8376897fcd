"""Public API of the trading platform: orders and accounts."""
