package io.mailroom.preflight;

import io.mailroom.testing.LocalServices;
import io.mailroom.testing.LoopbackDns;
import io.mailroom.testing.SesIdentityProxy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar target/mailroom.jar preflight} as its own process: exit code and report. */
class PreflightIT {

  @Test
  void theJarsPreflightCommandReportsAndExits() throws Exception {
    try (SesIdentityProxy ses = new SesIdentityProxy(LocalServices.ses().endpoint()); LoopbackDns dns = new LoopbackDns()) {
      PreflightTest.allGood(ses, dns);
      Path config = Files.createTempFile("preflight", ".json");
      Files.writeString(config, PreflightTest.configJson(ses.endpoint()).encode());
      Run ready = preflight(config, "--dns", dns.address(), "--json");
      assertThat(ready.exit()).isZero();
      assertThat(new JsonObject(ready.out()).getBoolean("ready")).isTrue();
      ses.identities.put("shop.example.com", PreflightTest.identity("PENDING"));
      Run blocked = preflight(config, "--dns", dns.address());
      assertThat(blocked.exit()).isEqualTo(1);
      assertThat(blocked.out()).contains("✗ DKIM: status PENDING", "not ready");
      assertThat(blocked.out()).doesNotContain("Exception");
    }
  }

  private record Run(int exit, String out) { }

  private static Run preflight(Path config, String... options) throws Exception {
    String jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar")).toAbsolutePath().toString();
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java", "-jar", jar, "preflight",
        "--config", config.toString()));
    command.addAll(java.util.List.of(options));
    Path log = Files.createTempFile("preflight", ".out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("preflight finished").isTrue();
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
