package io.mailroom.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's static files, served from the jar under {@code /console/assets/}: htmx (from its
 * webjar) as {@code htmx.min.js}, and every file under {@code console/assets/} of the classpath
 * (the style sheet, the pages' scripts), read once and kept. Only files that exist are kept: a
 * request for any other name is answered 404 and leaves nothing behind, so that anyone, signed in
 * or not, can ask for as many names as they like without the node holding on to them.
 */
final class Assets {
  private static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}\\.(js|css|svg|png)");
  private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png");
  private static final Map<String, Buffer> READ = new ConcurrentHashMap<>();

  private Assets() {
  }

  static void mount(Router router) {
    router.get("/assets/:name").handler(Assets::serve);
  }

  private static void serve(RoutingContext rc) {
    String name = rc.pathParam("name");
    Matcher matcher = NAME.matcher(name);
    Optional<Buffer> bytes = matcher.matches() ? file(name) : Optional.empty();
    if (bytes.isEmpty()) {
      rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("no such file");
      return;
    }
    rc.response().putHeader("Content-Type", TYPES.get(matcher.group(1)))
        .putHeader("Cache-Control", "public, max-age=3600").end(bytes.get());
  }

  /** The file of that name, read from the classpath the first time it is asked for. */
  private static Optional<Buffer> file(String name) {
    Buffer kept = READ.get(name);
    if (kept != null) {
      return Optional.of(kept);
    }
    Optional<Buffer> read = read(name.equals("htmx.min.js") ? HTMX : "console/assets/" + name);
    read.ifPresent(bytes -> READ.putIfAbsent(name, bytes));
    return read;
  }

  /** How many files are kept. */
  static int kept() {
    return READ.size();
  }

  private static Optional<Buffer> read(String resource) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
