package io.mailroom.audience;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which customers of the Users table a campaign or an estimate is for: a parsed filter over their
 * attributes (see {@link AudienceParser} for the grammar), or everyone. It says nothing of
 * consent or suppression: those always apply on top of it. Its canonical JSON (keys in a fixed
 * order, times in UTC, {@code Email} values lower-cased) is what a campaign stores and what
 * estimates are cached under.
 */
public final class AudienceFilter {
  /** No filter: every customer (consent and suppression still apply). */
  public static final AudienceFilter EVERYONE = new AudienceFilter(null);

  private final AudienceNode root;

  private AudienceFilter(AudienceNode root) {
    this.root = root;
  }

  /**
   * The filter of a request's {@code field} (its decoded JSON value, or null for everyone);
   * refuses a filter outside the grammar with 400 {@code invalid_audience} naming the field path.
   */
  public static AudienceFilter parse(Object json, String field, AudienceAttributes attributes) {
    return json == null ? EVERYONE : new AudienceFilter(new AudienceParser(attributes).node(json, field, 1));
  }

  /**
   * The filter a campaign stored (its canonical JSON; null for everyone). It was checked when the
   * campaign was made: attributes it names are trusted, even when their mapping left the config since.
   */
  public static AudienceFilter stored(String canonical) {
    if (canonical == null) {
      return EVERYONE;
    }
    try {
      JsonObject json = new JsonObject(canonical);
      Set<String> named = new HashSet<>();
      attributesOf(json, named);
      return new AudienceFilter(new AudienceParser(AudienceAttributes.withMapped(named)).node(json, "audience", 1));
    } catch (DecodeException e) {
      throw new IllegalStateException("the stored audience is not JSON: " + e.getMessage(), e);
    }
  }

  private static void attributesOf(Object node, Set<String> named) {
    if (node instanceof JsonObject object) {
      object.forEach(entry -> {
        if (entry.getKey().equals("attribute") && entry.getValue() instanceof String name) {
          named.add(name);
        } else {
          attributesOf(entry.getValue(), named);
        }
      });
    } else if (node instanceof JsonArray array) {
      array.forEach(member -> attributesOf(member, named));
    }
  }

  public boolean everyone() {
    return root == null;
  }

  public boolean matches(Map<String, AttributeValue> item) {
    return root == null || root.matches(item);
  }

  /** The canonical JSON text; null for everyone. */
  public String canonical() {
    return root == null ? null : root.toJson().encode();
  }

  @Override
  public String toString() {
    return root == null ? "everyone" : canonical();
  }
}
