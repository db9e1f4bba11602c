"""smmdesk: one desktop program for every SMM panel a reseller buys from."""

__version__ = "0.1.0"
APP_NAME = "smmdesk"
USER_AGENT = f"smmdesk/{__version__}"
