"""The access decision: one entry point, ``authorize(request)``, with a verdict and its trace.

It answers every "may this principal do this action on this resource" with the trace of the
layers that reached the verdict.

Layers are small pure functions in ``layers/``, run in the order of AWS's evaluation chart
(``authorize.LAYERS``). This package imports the domains it decides over; none imports it.
"""
