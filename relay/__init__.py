"""The Risala relay server: accounts, chats, sync, blobs and call signalling over aiohttp.

Embedding: ``relay.server.create_app(config)`` or ``async with relay.server.run_relay(config)``.
"""
