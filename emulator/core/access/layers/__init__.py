"""The layers of the access decision, one module each.

``steps(request, facts)`` returns the layer's verdicts with their evidence, or nothing when
the request is not its concern.

A layer reads only the request and the facts; it changes nothing and calls no other layer.
"""
