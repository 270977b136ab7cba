"""The console: the SOP's people in a browser, over the same actions as the CLI.

Starlette (served by uvicorn) keeps the edge thin: a route parses the request,
asks ``opskit.permissions`` whether the signed-in person may act, calls one
action, and renders its data with Jinja2 templates in the person's language.
Sessions, password hashing, CSRF protection and form parsing come from
maintained libraries (itsdangerous, argon2-cffi, asgi-csrf, python-multipart).
"""
