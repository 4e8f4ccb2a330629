package io.mailroom.http;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The first handler of every route with path parameters: each parameter must be short and of plain
 * characters ({@code id}: a campaign id, {@code action}: a word, {@code token}: an unsubscribe token
 * in base64url, anything else: an id of letters, digits, '.', '_' and '-'), or the request is refused
 * with a 400 naming the parameter before it reaches a store.
 */
public final class PathParams {
  private static final Pattern DEFAULT = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Map<String, Pattern> RULES = Map.of(
      "id", Pattern.compile("[A-Za-z0-9_-]{1,64}"),
      "action", Pattern.compile("[A-Za-z]{1,16}"),
      "token", Pattern.compile("[A-Za-z0-9_-]{1,1024}"));

  private static final String ROUTE = "io.mailroom.route";

  private PathParams() {
  }

  /**
   * The request's route, for the logs and the audit: the pattern ({@code /u/:token}) where a check
   * ran, else the pattern of the route that is handling the request. A failure handler has no
   * pattern of its own; there the path stands in, with every segment that is (once decoded) a path
   * parameter's value replaced by {@code :name}. Never the raw path, which may hold a token or an
   * address.
   */
  public static String route(RoutingContext ctx) {
    String recorded = ctx.get(ROUTE);
    if (recorded != null) {
      return recorded;
    }
    Route current = ctx.currentRoute();
    if (current != null && current.getPath() != null) {
      return current.getPath();
    }
    String[] segments = ctx.request().path().split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = decoded(segments[i]);
      for (Map.Entry<String, String> param : ctx.pathParams().entrySet()) {
        if (!segment.isEmpty() && segment.equals(param.getValue())) {
          segments[i] = ":" + param.getKey();
        }
      }
    }
    return String.join("/", segments);
  }

  /** A path segment's percent-escapes decoded, as a path parameter's value is ('+' stays itself). */
  private static String decoded(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }

  public static void check(RoutingContext ctx) {
    ctx.put(ROUTE, ctx.currentRoute().getPath());
    for (Map.Entry<String, String> param : ctx.pathParams().entrySet()) {
      String value = param.getValue();
      if (value == null || !RULES.getOrDefault(param.getKey(), DEFAULT).matcher(value).matches()) {
        ctx.fail(ApiError.badField(param.getKey(), "invalid_path_parameter", "the path parameter '" + param.getKey()
            + "' is too long or holds characters it cannot hold"));
        return;
      }
    }
    ctx.next();
  }
}
