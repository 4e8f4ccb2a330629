package io.mailroom;

import io.mailroom.local.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A production node ({@code conf/production.json}) started where it cannot find AWS credentials. */
class ProductionStartIT {
  @Test
  void withoutAwsCredentialsTheNodeSaysWhereItLookedInOneLine(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    String jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar")).toAbsolutePath().toString();
    ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-jar", jar, "serve", "--config",
        "conf/production.json").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("node.log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("MAILROOM_"));
    env.put("HOME", home.toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("MAILROOM_WEBHOOK_SECRETS", "a-production-webhook-secret-of-32-bytes-or-more");
    env.put("MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "a-production-unsubscribe-secret-of-32-bytes-or-more");
    env.put("MAILROOM_LIMITER_REDIS_URL", "redis://127.0.0.1:6379");
    env.put("MAILROOM_HTTP_HOST", "127.0.0.1");
    env.put("MAILROOM_HTTP_PORT", Integer.toString(FreePort.pick()));
    env.put("MAILROOM_MANAGEMENT_HOST", "127.0.0.1");
    env.put("MAILROOM_MANAGEMENT_PORT", Integer.toString(FreePort.pick()));
    env.put("MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events");
    env.put("MAILROOM_LOG_FORMAT", "plain");
    env.put("MAILROOM_COMPLIANCE_PROFILE", "none");
    Process process = builder.start();
    boolean ended = process.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(dir.resolve("node.log"));
    assertThat(ended).as("the node stopped: " + output).isTrue();
    assertThat(process.exitValue()).as(output).isNotZero();
    assertThat(output.lines().filter(line -> line.startsWith("mailroom: "))).as(output)
        .singleElement().asString().contains("AWS credentials").contains("AWS_ACCESS_KEY_ID")
        .contains("AWS_SECRET_ACCESS_KEY").contains("~/.aws/credentials").contains("role")
        .contains("aws.accessKeyId").contains("aws.secretAccessKey");
    assertThat(output).as("no stack trace").doesNotContain("at software.amazon").doesNotContain("\tat ");
  }
}
