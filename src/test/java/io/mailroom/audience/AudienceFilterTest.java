package io.mailroom.audience;

import io.mailroom.http.ApiError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audience grammar: what each operator selects from Users items of both shapes, and each refusal. */
class AudienceFilterTest {
  private static final AudienceAttributes ATTRIBUTES = AudienceAttributes.standard();

  /** An item as the demo seed writes it: CreateTime in seconds, SubscriptionStatus maybe a string. */
  private static Map<String, AttributeValue> demo(String email, String gender, long createTime) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Email", AttributeValue.fromS(email));
    item.put("Name", AttributeValue.fromS("Younghee"));
    item.put("Gender", AttributeValue.fromS(gender));
    item.put("CreateTime", AttributeValue.fromN(Long.toString(createTime)));
    item.put("SubscriptionStatus", AttributeValue.fromS("true"));
    return item;
  }

  /** An item as the Syncer's AudienceWriter writes it: ConsentAt and SourceUpdatedAt in milliseconds. */
  private static Map<String, AttributeValue> synced(String email, String gender, long createTime, long consentAt) {
    Map<String, AttributeValue> item = demo(email, gender, createTime);
    item.put("SubscriptionStatus", AttributeValue.fromBool(true));
    item.put("ConsentAt", AttributeValue.fromN(Long.toString(consentAt)));
    item.put("SourceUpdatedAt", AttributeValue.fromN(Long.toString(consentAt)));
    item.put("SourceId", AttributeValue.fromN("42"));
    return item;
  }

  private static AudienceFilter filter(String json) {
    return AudienceFilter.parse(new JsonObject(json), "audience", ATTRIBUTES);
  }

  private static boolean matches(String json, Map<String, AttributeValue> item) {
    return filter(json).matches(item);
  }

  @Test
  void theIssuesExampleSelectsWomenWhoJoinedAfterTheDate() {
    String example = "{\"all\": [{\"attribute\": \"Gender\", \"equals\": \"Female\"},"
        + " {\"attribute\": \"CreateTime\", \"after\": \"2023-11-20T00:00:00Z\"}]}";
    long nov20 = 1_700_438_400L;
    assertThat(matches(example, demo("a@x.com", "Female", nov20 + 1))).isTrue();
    assertThat(matches(example, demo("a@x.com", "Female", nov20))).as("after is strict").isFalse();
    assertThat(matches(example, demo("a@x.com", "Male", nov20 + 1))).isFalse();
    assertThat(matches(example, synced("a@x.com", "Female", nov20 + 1, 0))).isTrue();
  }

  @Test
  void timesCompareAsInstantsWhateverTheOffsetAndTheStoredUnit() {
    long consentAt = 1_700_000_000_000L; // 2023-11-14T22:13:20Z
    Map<String, AttributeValue> item = synced("a@x.com", "Other", 1_700_000_000L, consentAt);
    assertThat(matches("{\"attribute\": \"ConsentAt\", \"after\": \"2023-11-15T07:13:19+09:00\"}", item)).isTrue();
    assertThat(matches("{\"attribute\": \"ConsentAt\", \"before\": \"2023-11-15T07:13:21+09:00\"}", item)).isTrue();
    assertThat(matches("{\"attribute\": \"CreateTime\", \"before\": \"2023-11-14T22:13:21Z\"}", item)).isTrue();
    assertThat(matches("{\"attribute\": \"CreateTime\", \"before\": \"2023-11-14T22:13:20Z\"}", item)).isFalse();
    assertThat(matches("{\"attribute\": \"ConsentAt\", \"after\": \"2000-01-01T00:00:00Z\"}",
        demo("a@x.com", "Other", 1))).as("a demo item has no ConsentAt").isFalse();
  }

  @Test
  void inAnyNotAndExistsCombine() {
    Map<String, AttributeValue> female = demo("a@x.com", "Female", 1);
    Map<String, AttributeValue> male = synced("b@x.com", "Male", 1, 5);
    String in = "{\"attribute\": \"Gender\", \"in\": [\"Other\", \"Female\"]}";
    assertThat(matches(in, female)).isTrue();
    assertThat(matches(in, male)).isFalse();
    String any = "{\"any\": [{\"attribute\": \"Gender\", \"equals\": \"Male\"}, {\"attribute\": \"ConsentAt\", \"exists\": true}]}";
    assertThat(matches(any, male)).isTrue();
    assertThat(matches(any, female)).isFalse();
    assertThat(matches("{\"not\": " + in + "}", male)).isTrue();
    assertThat(matches("{\"attribute\": \"ConsentAt\", \"exists\": false}", female)).isTrue();
    assertThat(matches("{\"attribute\": \"SourceId\", \"equals\": 42.0}", male)).as("numbers by value").isTrue();
    Map<String, AttributeValue> noGender = demo("c@x.com", "", 1);
    assertThat(matches("{\"attribute\": \"Gender\", \"exists\": false}", noGender)).as("empty is absent").isTrue();
    assertThat(matches("{\"not\": {\"attribute\": \"Gender\", \"equals\": \"Male\"}}", noGender)).isTrue();
  }

  @Test
  void stringsCompareExactlyExceptEmailWhichIsLowerCase() {
    Map<String, AttributeValue> item = demo("jane@example.com", "Female", 1);
    assertThat(matches("{\"attribute\": \"Gender\", \"equals\": \"female\"}", item)).isFalse();
    assertThat(matches("{\"attribute\": \"Gender\", \"equals\": \"Female \"}", item)).isFalse();
    assertThat(matches("{\"attribute\": \"Email\", \"equals\": \"Jane@Example.COM\"}", item)).isTrue();
  }

  @Test
  void theCanonicalFormIsStableAndReadsBackToTheSameFilter() {
    String given = "{\"all\": [{\"equals\": \"Jane@X.com\", \"attribute\": \"Email\"},"
        + " {\"after\": \"2023-11-20T09:00:00+09:00\", \"attribute\": \"CreateTime\"}]}";
    String canonical = filter(given).canonical();
    assertThat(canonical).isEqualTo("{\"all\":[{\"attribute\":\"Email\",\"equals\":\"jane@x.com\"},"
        + "{\"attribute\":\"CreateTime\",\"after\":\"2023-11-20T00:00:00Z\"}]}");
    assertThat(AudienceFilter.stored(canonical).canonical()).isEqualTo(canonical);
    assertThat(AudienceFilter.stored(null).everyone()).isTrue();
    assertThat(AudienceFilter.parse(null, "audience", ATTRIBUTES).canonical()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown attribute|{\"all\": [{\"attribute\": \"Gender\", \"equals\": \"Female\"}, {\"attribute\": \"ShoeSize\", \"equals\": 42}]}|audience.all[1].attribute",
      "attribute not a string|{\"attribute\": 7, \"equals\": 42}|audience.attribute",
      "unknown operator|{\"attribute\": \"Gender\", \"resembles\": \"Female\"}|audience.resembles",
      "unknown combination|{\"none\": []}|audience.none",
      "two operators|{\"attribute\": \"Gender\", \"equals\": \"Female\", \"in\": [\"Male\"]}|audience",
      "two combinations|{\"all\": [{\"attribute\": \"Gender\", \"exists\": true}], \"any\": [{\"attribute\": \"Gender\", \"exists\": true}]}|audience",
      "combination beside a test|{\"attribute\": \"Gender\", \"not\": {\"attribute\": \"Gender\", \"exists\": true}}|audience.not",
      "no operator|{\"attribute\": \"Gender\"}|audience",
      "empty node|{}|audience",
      "number for a string|{\"attribute\": \"Gender\", \"equals\": 1}|audience.equals",
      "string for a number|{\"attribute\": \"SourceId\", \"equals\": \"42\"}|audience.equals",
      "object value|{\"attribute\": \"Gender\", \"equals\": {\"a\": 1}}|audience.equals",
      "wrong value in a list|{\"not\": {\"attribute\": \"Gender\", \"in\": [\"Male\", true]}}|audience.not.in[1]",
      "in without a list|{\"attribute\": \"Gender\", \"in\": \"Male\"}|audience.in",
      "empty in|{\"attribute\": \"Gender\", \"in\": []}|audience.in",
      "empty all|{\"all\": []}|audience.all",
      "any of a non-node|{\"any\": [\"Gender\"]}|audience.any[0]",
      "exists not a boolean|{\"attribute\": \"Gender\", \"exists\": \"yes\"}|audience.exists",
      "equals on a time|{\"attribute\": \"CreateTime\", \"equals\": 1700000000}|audience.equals",
      "after on a string|{\"attribute\": \"Gender\", \"after\": \"2023-11-20T00:00:00Z\"}|audience.after",
      "time without an offset|{\"attribute\": \"CreateTime\", \"after\": \"2023-11-20T00:00:00\"}|audience.after",
      "date only|{\"attribute\": \"CreateTime\", \"before\": \"2023-11-20\"}|audience.before",
      "time as a number|{\"attribute\": \"CreateTime\", \"before\": 1700000000}|audience.before",
  })
  void eachRefusalNamesTheFieldPath(String what, String json, String field) {
    assertRefused(() -> filter(json), field);
  }

  @Test
  void aNodeThatIsNotAnObjectIsRefused() {
    assertRefused(() -> AudienceFilter.parse("Female", "audience", ATTRIBUTES), "audience");
    assertRefused(() -> AudienceFilter.parse(List.of(), "audience", ATTRIBUTES), "audience");
  }

  @Test
  void nestingDeeperThanEightIsRefused() {
    String leaf = "{\"attribute\": \"Gender\", \"exists\": true}";
    String nested = leaf;
    for (int i = 1; i < 8; i++) {
      nested = "{\"not\": " + nested + "}";
    }
    String eight = nested;
    assertThat(filter(eight).matches(demo("a@x.com", "Male", 1))).isFalse(); // seven nots of true
    assertRefused(() -> filter("{\"not\": " + eight + "}"), "audience" + ".not".repeat(8));
  }

  @Test
  void listsLongerThanAllowedAndMoreThanTwoHundredNodesAreRefused() {
    String leaf = "{\"attribute\": \"Gender\", \"exists\": true}";
    assertRefused(() -> filter("{\"all\": [" + String.join(",", Collections.nCopies(51, leaf)) + "]}"),
        "audience.all");
    String values = String.join(",", Collections.nCopies(101, "\"Male\""));
    assertRefused(() -> filter("{\"attribute\": \"Gender\", \"in\": [" + values + "]}"), "audience.in");
    String fifty = "{\"all\": [" + String.join(",", Collections.nCopies(50, leaf)) + "]}";
    String four = "{\"any\": [" + String.join(",", Collections.nCopies(4, fifty)) + "]}";
    assertRefused(() -> filter(four), "audience.any[3].all[45]"); // 1 + 4 × 51 = 205 nodes
    String three = "{\"any\": [" + String.join(",", Collections.nCopies(3, fifty)) + "]}";
    assertThat(filter(three).everyone()).isFalse();
  }

  private static void assertRefused(Runnable parse, String field) {
    assertThatThrownBy(parse::run).isInstanceOfSatisfying(ApiError.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      JsonObject error = e.toJson().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("invalid_audience");
      assertThat(error.getString("field")).isEqualTo(field);
      assertThat(error.getString("message")).isNotBlank();
    });
  }
}
