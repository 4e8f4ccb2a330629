package io.mailroom.audit;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names the change a request made from its method and route: {@code PUT /v1/templates/:id} is
 * {@code template.save} of that id, {@code POST /v1/campaigns/:id/pause} {@code campaign.pause},
 * {@code POST /v1/campaigns} {@code campaign.create} of the id in the answer's {@code Location}.
 * Requests that change nothing (reads, previews, estimates) and routes outside {@code /v1/} (SES
 * events, unsubscribes, which are the customers' own) are not changes.
 */
public final class AuditActions {
  private static final Set<String> READ_ONLY = Set.of("POST /v1/templates/:id/preview", "POST /v1/audiences/estimate",
      "POST /v1/ses/events");
  private static final Map<String, String> VERBS = Map.of("POST", "create", "PUT", "save", "DELETE", "delete",
      "PATCH", "update");

  private AuditActions() {
  }

  /** The action and target, when the request was a change. */
  public record Change(String action, String target) { }

  /**
   * @param route the route with parameters as {@code :name} ({@code /v1/campaigns/:id/:action})
   * @param params the path parameters' values
   * @param location the answer's {@code Location} header, or null
   */
  public static Optional<Change> of(String method, String route, Map<String, String> params, String location) {
    if (!VERBS.containsKey(method) || !route.startsWith("/v1/") || READ_ONLY.contains(method + " " + route)) {
      return Optional.empty();
    }
    String[] segments = route.substring(4).split("/");
    String resource = singular(segments[0]);
    String verb = VERBS.get(method);
    String target = "";
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.startsWith(":")) {
        String value = params.getOrDefault(segment.substring(1), "");
        if ("action".equals(segment.substring(1))) {
          verb = value;
        } else if (target.isEmpty()) {
          target = value;
        }
      } else {
        verb = segment;
      }
    }
    if (target.isEmpty() && location != null && location.startsWith("/v1/")) {
      target = location.substring(location.lastIndexOf('/') + 1);
    }
    return Optional.of(new Change(resource + "." + verb, target));
  }

  private static String singular(String resource) {
    String word = resource.replace("-", "");
    return word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
  }
}
