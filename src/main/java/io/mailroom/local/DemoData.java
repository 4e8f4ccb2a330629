package io.mailroom.local;

import io.mailroom.audience.UserStore;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default's demo audience and template: customers of an online fashion retailer
 * (every tenth one unsubscribed; some stored with {@code SubscriptionStatus} as the string
 * "true"/"false", as the original data had), and a ~100 KB promotional template with images.
 */
public final class DemoData {
  public static final String TEMPLATE_ID = "promo-autumn";
  public static final String SCRIPT_NAME = "<script>alert('hi')</script>";
  private static final String[] NAMES = {"Chulsu", "Younghee", "Minjun", "Seoyeon", "Jiho", "Haeun", "Alex",
      "Sam", "Jordan", "Taylor", "Morgan", "Robin", "김민수", "이지은", "박서준", "최유나"};
  private static final String[] GENDERS = {"Male", "Female", "Female", "Male", "Other"};

  private DemoData() {
  }

  public static Future<Void> seed(UserStore users, TemplateStore templates, int customers) {
    return templates.put(template()).compose(v -> users.putAll(customers(customers)));
  }

  /** Whether demo customer {@code i} (0-based) has consented. */
  public static boolean consents(int i) {
    return i % 10 != 3;
  }

  public static String email(int i) {
    return String.format("customer%04d@example.com", i);
  }

  public static List<Map<String, AttributeValue>> customers(int count) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("Email", AttributeValue.fromS(email(i)));
      item.put("Name", AttributeValue.fromS(i == 1 ? SCRIPT_NAME : NAMES[i % NAMES.length]));
      item.put("Gender", AttributeValue.fromS(GENDERS[i % GENDERS.length]));
      item.put("CreateTime", AttributeValue.fromN(Long.toString(1_700_000_000L + i * 3600L)));
      boolean consent = consents(i);
      item.put("SubscriptionStatus", i % 7 == 0
          ? AttributeValue.fromS(Boolean.toString(consent))
          : AttributeValue.fromBool(consent));
      items.add(item);
    }
    return items;
  }

  public static int consenting(int count) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      n += consents(i) ? 1 : 0;
    }
    return n;
  }

  /** The demo template as the body of {@code PUT /v1/templates/{id}}. */
  public static io.vertx.core.json.JsonObject templateJson() {
    Template template = template();
    return new io.vertx.core.json.JsonObject().put("name", template.name()).put("subject", template.subject())
        .put("html", template.html()).put("imageUrls", new io.vertx.core.json.JsonArray(template.imageUrls()));
  }

  public static Template template() {
    List<String> images = new ArrayList<>();
    images.add("https://cdn.shop.example.com/campaigns/autumn/hero.jpg");
    for (int i = 1; i <= 11; i++) {
      images.add("https://cdn.shop.example.com/campaigns/autumn/look-" + i + ".jpg");
    }
    return new Template(TEMPLATE_ID, "Autumn collection promotion",
        "{{ Name }}, our autumn collection is here: 20% off until Sunday",
        resource("/demo/promo.html"), null, images);
  }

  private static String resource(String path) {
    try (InputStream in = DemoData.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
