"""smmdesk-cli: the headless interface over smmdesk's core (design.md "Command line").

main.py       argparse, the command modules, exit codes
common.py     what every command shares: options, the Desk, output, failures
panels.py     panel add/list/remove, balance
catalog.py    services
orders.py     order add/track/resolve, orders, cancel, refill, export
refresh.py    refresh, refills          (when present)
importing.py  import                    (when present)
"""
