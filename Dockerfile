# reconcile for CI systems other than GitHub Actions: the CLI as the entrypoint, run as a
# non-root user, on a base image pinned to an exact Python and Debian release. Its dependencies
# are the hash-pinned requirements.lock (pip refuses any other file or version); the tool itself
# goes in after them with --no-deps, so nothing is resolved at build time. Registries were
# out of reach where this was written, so the digest is not filled in: append it to both FROM
# lines (`docker buildx imagetools inspect python:3.12.8-slim-bookworm` prints it) to pin the
# exact bytes.
# Build: docker build -t reconcile:0.1.0 .    Run: docker run --rm -v "$PWD:/repo" reconcile:0.1.0 validate
ARG BASE=python:3.12.8-slim-bookworm
FROM ${BASE} AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE NOTICE ./
COPY reconciler ./reconciler
# reconciler/schemas is a link to the repository's schemas/.
COPY schemas ./schemas
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM ${BASE}
# git: write-back commits and pushes state; nothing else is installed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 reconcile
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock \
    && pip install --no-cache-dir --no-deps /wheels/*.whl \
    && rm -rf /wheels /tmp/requirements.lock
USER reconcile
WORKDIR /repo
# The mounted config repo belongs to another uid; let git work in it anyway.
RUN git config --global --add safe.directory /repo
ENTRYPOINT ["reconcile"]
CMD ["--help"]
