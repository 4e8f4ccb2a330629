# syntax=docker/dockerfile:1
# Build: docker build -t mailroom .
# Run:   docker run -p 8080:8080 -p 127.0.0.1:8081:8081 -e MAILROOM_WEBHOOK_SECRETS=... -e MAILROOM_SUBSCRIPTION_TOKEN_SECRETS=... -e MAILROOM_PUBLIC_BASE_URL=https://... mailroom
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline -Ddynalite.skip
COPY conf conf
COPY src/main src/main
# the image talks to Amazon DynamoDB itself: no embedded DynamoDB (dynalite, Node.js) is installed or shipped
RUN mvn -B -ntp -q package -DskipTests -Ddynalite.skip

FROM eclipse-temurin:17-jre
# no curl or other network tools: the health check is a class in the jar
RUN groupadd --system mailroom \
 && useradd --system --gid mailroom --home-dir /app --shell /usr/sbin/nologin mailroom
WORKDIR /app
COPY --from=build /src/target/mailroom.jar /app/mailroom.jar
COPY conf /app/conf
USER mailroom
# production.json: AWS endpoints and the default credential chain (task role); secrets come from the environment
ENV MAILROOM_CONFIG=conf/production.json \
    MAILROOM_LOG_FORMAT=json \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC"
# 8080: the API (public load balancer); 8081: /metrics and /health/* (probes and Prometheus only)
EXPOSE 8080 8081
# a small JVM asks /health/live on the management port (MAILROOM_MANAGEMENT_PORT, else 8081); exit 0 = healthy
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["java", "-Xmx16m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", "/app/mailroom.jar", "io.mailroom.http.HealthProbe"]
# exec form: the JVM is PID 1 and gets SIGTERM directly; give it shutdownGraceSeconds (30) + 10 s to drain
ENTRYPOINT ["java", "-jar", "/app/mailroom.jar"]
CMD ["serve"]
