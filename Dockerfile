# syntax=docker/dockerfile:1
# Build: docker build -t mailroom .
# Run:   docker run -p 8080:8080 -e MAILROOM_WEBHOOK_SECRETS=... -e MAILROOM_SUBSCRIPTION_TOKEN_SECRETS=... -e MAILROOM_PUBLIC_BASE_URL=https://... mailroom
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline -Ddynalite.skip
COPY conf conf
COPY src/main src/main
# the image talks to Amazon DynamoDB itself: no embedded DynamoDB (dynalite, Node.js) is installed or shipped
RUN mvn -B -ntp -q package -DskipTests -Ddynalite.skip

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system mailroom \
 && useradd --system --gid mailroom --home-dir /app --shell /usr/sbin/nologin mailroom
WORKDIR /app
COPY --from=build /src/target/mailroom.jar /app/mailroom.jar
COPY conf /app/conf
USER mailroom
# production.json: AWS endpoints and the default credential chain (task role); secrets come from the environment
ENV MAILROOM_CONFIG=conf/production.json \
    MAILROOM_LOG_FORMAT=json \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC"
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
# exec form: the JVM is PID 1 and gets SIGTERM directly; give it shutdownGraceSeconds (30) + 10 s to drain
ENTRYPOINT ["java", "-jar", "/app/mailroom.jar"]
CMD ["serve"]
