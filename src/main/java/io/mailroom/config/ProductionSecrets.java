package io.mailroom.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a production node's HMAC secrets must be: none of the published samples (anything holding
 * "change-me", or a secret of the packaged {@code conf/local.json}), no token secret that is also a
 * webhook secret, and 32 bytes or more each.
 */
final class ProductionSecrets {
  static final int MIN_BYTES = 32;
  private static final String SAMPLE_MARK = "change-me";

  private ProductionSecrets() {
  }

  static void check(MailroomConfig.Webhook webhook, MailroomConfig.Subscription subscription) {
    Set<String> samples = samples();
    check("webhook.secrets", webhook.secrets(), samples);
    check("subscription.tokenSecrets", subscription.tokenSecrets(), samples);
    if (subscription.tokenSecrets().stream().anyMatch(webhook.secrets()::contains)) {
      throw new ConfigException("config key 'subscription.tokenSecrets' must not hold a secret of 'webhook.secrets':"
          + " each needs its own");
    }
  }

  private static void check(String key, List<String> secrets, Set<String> samples) {
    for (String secret : secrets) {
      if (secret.contains(SAMPLE_MARK) || samples.contains(secret)) {
        throw new ConfigException("config key '" + key + "' holds a published sample secret: set a random one");
      }
      if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
        throw new ConfigException("config key '" + key + "' must hold secrets of at least " + MIN_BYTES
            + " bytes in production");
      }
    }
  }

  /** The secrets of the packaged {@code conf/local.json}, which everyone can read. */
  private static Set<String> samples() {
    try (InputStream in = ProductionSecrets.class.getClassLoader().getResourceAsStream(ConfigSource.DEFAULT_FILE)) {
      if (in == null) {
        return Set.of();
      }
      JsonObject local = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>();
      all.add(local.getJsonObject("webhook", new JsonObject()).getString("secrets", ""));
      all.add(local.getJsonObject("subscription", new JsonObject()).getString("tokenSecrets", ""));
      return all.stream().flatMap(s -> List.of(s.split(",")).stream()).map(String::trim).filter(s -> !s.isEmpty())
          .collect(Collectors.toSet());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }
}
