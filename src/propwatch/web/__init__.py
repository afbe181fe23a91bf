"""The web app and HTTP API (`propwatch serve`): FastAPI on uvicorn.

`app` builds the app (`create_app(Settings(...))`); `api` holds the /v1 routes for programs,
`pages` the pages for people, `pool` the bounded pool of model worker processes, `saved` the
permalinks kept in the store, `errors` the JSON errors and their stable codes, and `command` the
`propwatch serve` command.
"""
