"""Fan-out of frames to live connections.

``Broker`` is the interface the relay codes against; ``LocalBroker`` (an in-process hub,
user id → live connections) is the default. A Redis pub/sub broker for several relay nodes
implements the same interface: ``publish*`` calls go to the user's channel and every node
delivers to the connections it holds.
"""

from relay.broker.base import Broker, Sink
from relay.broker.local import LocalBroker

__all__ = ["Broker", "LocalBroker", "Sink"]
