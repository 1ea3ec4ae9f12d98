# The image the Helm chart's default points at. Build: docker build -t ghcr.io/backfill-fleet/backfill:0.1.0 .
# (The project's own machines have no Docker engine, so CI does not build this image; keep it minimal.)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q install -Dmaven.test.skip=true -pl cli -am

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin backfill \
 && mkdir -p /opt/backfill \
 && printf '#!/bin/sh\nexec java $JAVA_OPTS -jar /opt/backfill/backfill.jar "$@"\n' > /usr/local/bin/backfill \
 && chmod 755 /usr/local/bin/backfill
COPY --from=build /src/cli/target/backfill.jar /opt/backfill/backfill.jar
USER 10001:10001
ENTRYPOINT ["backfill"]
CMD ["--help"]
