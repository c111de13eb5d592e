"""Integrations with process engines and scale-out infrastructure, one subpackage each, each an
optional extra (`pip install 'feelish[NAME]'`); the core never imports them."""
