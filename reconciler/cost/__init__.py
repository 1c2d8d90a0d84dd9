"""Cost domain: the pricing catalogue, projections, invocation cost and budget verdicts.

Pure functions over ``Decimal``; no I/O beyond reading the packaged catalogue, never a network
call. Conventions used everywhere in this package:

- Prices are USD per token internally and shown per 1M tokens.
- A month is 30 days: monthly cost = requestsPerDay x 30 x cost of one average request.
- Unknown means ``None``, never zero: a model missing from the catalogue without a
  ``spec.pricing`` override is "not priced", and callers say so.
"""
