package io.mailroom.render;

import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link Renderer}'s compiled templates: the newest version of each template (kept for a time,
 * since it changes), pinned versions and subject overrides (kept until they are among the least
 * recently used of {@value #MAX_ENTRIES}, since they never change).
 */
final class CompiledCache {
  private static final int MAX_ENTRIES = 256;

  private final Map<String, Renderer.Compiled> heads = new ConcurrentHashMap<>();
  private final Map<String, Renderer.Compiled> versions = lru();
  private final Map<String, PebbleTemplate> subjects = lru();

  private static <V> Map<String, V> lru() {
    return java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    });
  }

  /** The head compiled after {@code freshAfter}, or null. */
  Renderer.Compiled head(String id, long freshAfter) {
    Renderer.Compiled cached = heads.get(id);
    return cached != null && cached.loadedAt() > freshAfter ? cached : null;
  }

  Renderer.Compiled version(String id, long version) {
    return versions.get(id + "#v" + version);
  }

  void put(String id, long version, Renderer.Compiled compiled) {
    if (version > 0) {
      versions.put(id + "#v" + version, compiled);
    } else {
      heads.put(id, compiled);
    }
  }

  /** A subject override, compiled once; one that does not compile is not kept. */
  PebbleTemplate subject(String source, Function<String, PebbleTemplate> compile) {
    PebbleTemplate cached = subjects.get(source);
    if (cached != null) {
      return cached;
    }
    PebbleTemplate compiled = compile.apply(source);
    subjects.put(source, compiled);
    return compiled;
  }
}
