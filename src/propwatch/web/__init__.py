"""The web app and HTTP API (`propwatch serve`): FastAPI on uvicorn.

`app` builds the app (`create_app(Settings(...))`); `api` holds the /v1 routes for programs,
`pages` the pages for people, `pool` the bounded pool of model worker processes, `saved` the
analyses kept in the store (permalinks, deletion, --keep-days), `held` the reports of those not
kept (in memory, opened once), `auth` the access token and the page's session cookie, `limits`
the per-client rate limits, `errors` the JSON errors and their stable codes, and `local` a
server on a free loopback port for tests and benchmarks.
"""
