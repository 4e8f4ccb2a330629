package io.mailroom.testing;

import io.mailroom.audience.UserStore;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.local.DemoData;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An audience of {@code n} consenting customers and a small template, for the rate-limit tests. */
public final class Audience {
  public static final String TEMPLATE_ID = "rate-test";

  private Audience() {
  }

  public static Future<Void> seed(UserStore users, TemplateStore templates, int n) {
    List<Map<String, AttributeValue>> customers = DemoData.customers(n).stream().map(item -> {
      Map<String, AttributeValue> copy = new HashMap<>(item);
      copy.put("SubscriptionStatus", AttributeValue.fromBool(true));
      return copy;
    }).toList();
    Template template = new Template(TEMPLATE_ID, "Rate test", "Hello {{ Name }}",
        "<p>Hello {{ Name }}, a short note.</p>", "Hello {{ Name }}, a short note.", List.of());
    return templates.put(template).compose(v -> users.putAll(customers));
  }
}
