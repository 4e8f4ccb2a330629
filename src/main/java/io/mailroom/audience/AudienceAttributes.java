package io.mailroom.audience;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The customer attributes an audience filter may name, and how each is stored in the Users table:
 * the ones both the Syncer and the demo seed write ({@code Email}, {@code Name}, {@code Gender},
 * {@code CreateTime} in epoch seconds), the Syncer's own ({@code ConsentAt} and
 * {@code SourceUpdatedAt} in epoch milliseconds, {@code SourceId}), and those {@code
 * sync.columns.attributes} maps from other MySQL columns, whose type is whatever the column held.
 */
public final class AudienceAttributes {
  /** How an attribute is stored, which decides the operators and values it takes. */
  public enum Kind {
    /** A string ({@code S}); {@code Email} is compared lower-cased, as it is stored. */
    STRING,
    /** A number ({@code N}). */
    NUMBER,
    /** An instant stored as epoch seconds ({@code N}). */
    SECONDS,
    /** An instant stored as epoch milliseconds ({@code N}). */
    MILLIS,
    /** A mapped MySQL column: a string, number or boolean; times are stored as epoch milliseconds. */
    MAPPED
  }

  private static final Map<String, Kind> STANDARD = standardKinds();

  private final Map<String, Kind> kinds;

  private AudienceAttributes(Map<String, Kind> kinds) {
    this.kinds = Map.copyOf(kinds);
  }

  private static Map<String, Kind> standardKinds() {
    Map<String, Kind> kinds = new LinkedHashMap<>();
    kinds.put("Email", Kind.STRING);
    kinds.put("Name", Kind.STRING);
    kinds.put("Gender", Kind.STRING);
    kinds.put("CreateTime", Kind.SECONDS);
    kinds.put("ConsentAt", Kind.MILLIS);
    kinds.put("SourceUpdatedAt", Kind.MILLIS);
    kinds.put("SourceId", Kind.NUMBER);
    return kinds;
  }

  /** The attributes every Users table has. */
  public static AudienceAttributes standard() {
    return new AudienceAttributes(STANDARD);
  }

  /** The standard attributes and {@code mapped} (the attribute names {@code sync.columns.attributes} writes). */
  public static AudienceAttributes withMapped(Collection<String> mapped) {
    Map<String, Kind> kinds = new LinkedHashMap<>(STANDARD);
    mapped.forEach(name -> kinds.putIfAbsent(name, Kind.MAPPED));
    return new AudienceAttributes(kinds);
  }

  public Optional<Kind> kind(String attribute) {
    return Optional.ofNullable(kinds.get(attribute));
  }

  /** The attribute names, for the refusal of an unknown one. */
  public String names() {
    return String.join(", ", kinds.keySet().stream().sorted().toList());
  }
}
