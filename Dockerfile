# syntax=docker/dockerfile:1
# Build: docker build -t mailroom .   Run: docker run -p 8080:8080 -e MAILROOM_CONFIG=conf/production.json mailroom
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY conf conf
COPY src/main src/main
RUN mvn -B -ntp -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system mailroom && useradd --system --gid mailroom --home-dir /app --shell /usr/sbin/nologin mailroom
WORKDIR /app
COPY --from=build /src/target/mailroom.jar /app/mailroom.jar
COPY conf /app/conf
USER mailroom
ENV MAILROOM_HTTP_HOST=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/mailroom.jar"]
CMD ["serve"]
