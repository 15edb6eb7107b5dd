"""The access decision: ``authorize(request)`` answers every "may this principal do this
action on this resource" with a verdict and the trace of the layers that reached it.

Layers are small pure functions in ``layers/``, run in the order of AWS's evaluation chart
(``authorize.LAYERS``). This package imports the domains it decides over; none imports it.
"""
