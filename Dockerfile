# syntax=docker/dockerfile:1
# EdgeNode node image for linux/amd64 and linux/arm64 from one file:
#   docker buildx build --platform linux/amd64,linux/arm64 -t edgenode:latest .
# The SDK stage runs on the build machine's own platform and cross-publishes with
# scripts/publish.sh linux-<arch>, the same script the tests run (tests/EdgeNode.Deployment.Tests)
# and scripts/deploy.sh ships to boards; only the small runtime stage is per-platform.
# Jetson (CUDA/TensorRT): deploy/jetson/Dockerfile. Devices, groups and volumes: docs/deployment.md.

ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TARGETARCH
WORKDIR /src
# Restore inputs first so the package layer is cached across source edits.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# The embedded broker enforces the ACL shipped for mosquitto; it is built into EdgeNode.Messaging.
COPY deploy/mosquitto/edgenode.acl deploy/mosquitto/edgenode.acl
COPY models/ models/
COPY scripts/publish.sh scripts/publish.sh
RUN case "$TARGETARCH" in \
      amd64) rid=linux-x64 ;; \
      arm64) rid=linux-arm64 ;; \
      *) echo "unsupported TARGETARCH '$TARGETARCH'" >&2; exit 1 ;; \
    esac \
 && scripts/publish.sh "$rid" /app

FROM mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION} AS runtime
# mosquitto-clients: the health check reads the node's retained status topic.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mosquitto-clients \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /opt/edgenode
COPY scripts/wait-online.sh /opt/edgenode/wait-online.sh
# The image's non-root user "app" (UID 1654) runs the node. Device access is granted at run time
# with --device and --group-add <GID of video|gpio|i2c on the host>, because those group ids
# differ between Raspberry Pi OS, Ubuntu and JetPack.
RUN mkdir -p /var/lib/edgenode && chown app:app /var/lib/edgenode
VOLUME ["/var/lib/edgenode"]
ENV EdgeNode__Storage__Path=/var/lib/edgenode/edgenode.db \
    EdgeNode__NodeId=edgenode \
    EdgeNode__Mqtt__Host=0.0.0.0 \
    EdgeNode__Mqtt__Port=1883 \
    EdgeNode__Mqtt__EmbeddedBroker=true \
    EdgeNode__Mqtt__BrokerPasswordFile=/var/lib/edgenode/broker.passwd \
    EdgeNode__Inference__Providers__0=CPU \
    DOTNET_gcServer=0
USER app
WORKDIR /var/lib/edgenode
# The embedded broker listens on 0.0.0.0, so every client logs in (docs/security.md): put a mosquitto password file
# at /var/lib/edgenode/broker.passwd (mosquitto_passwd -c broker.passwd <node-id>, plus operator/viewer) and set
# EdgeNode__Mqtt__Username=<node-id> and EdgeNode__Mqtt__Password, or the node exits 78 naming
# EdgeNode__Mqtt__BrokerPasswordFile. The ACL is deploy/mosquitto/edgenode.acl (EdgeNode__Mqtt__BrokerAclFile to change it).
EXPOSE 1883
# Healthy = the node announced itself "online" (retained) on its broker. With an external broker
# set EDGENODE_MQTT_HOST/PORT (and EDGENODE_MQTT_USER/PASSWORD) for the check as well.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
  CMD ["/bin/sh", "-c", "/opt/edgenode/wait-online.sh -h \"${EDGENODE_MQTT_HOST:-127.0.0.1}\" -p \"${EDGENODE_MQTT_PORT:-${EdgeNode__Mqtt__Port}}\" -t 10 \"${EdgeNode__NodeId}\""]
ENTRYPOINT ["/opt/edgenode/edgenode"]
