"""The demo panel: a faithful panel API v2 server for newcomers and for the tests.

`smmdesk.demo.server.DemoPanel` serves it over a real socket (uvicorn in a daemon thread);
`smmdesk-demo-panel` runs it from the command line. This package imports nothing of smmdesk
but `smmdesk.protocol` and `smmdesk.__version__`.
"""
