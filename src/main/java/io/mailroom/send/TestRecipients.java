package io.mailroom.send;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.BatchGet;
import io.mailroom.subscription.ConsentCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who a test send may reach, so that the route is no open relay: an address of
 * {@code authoring.testRecipients}, or a customer who consents; never a suppressed address (an
 * unsubscribe lifted by a later consent aside, as for campaigns). A test belongs to no topic, so a
 * topic a customer left does not count; their consent as a whole does.
 */
public final class TestRecipients {
  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final String users;
  private final ConsentCheck consent;
  private final Set<String> listed;
  private final String topic;

  public TestRecipients(Vertx vertx, DynamoDbAsyncClient dynamo, String usersTable, ConsentCheck consent,
                        List<String> testRecipients, String defaultTopic) {
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.users = usersTable;
    this.consent = consent;
    this.listed = Set.copyOf(testRecipients);
    this.topic = defaultTopic;
  }

  /** An address a test send may not reach: its place in the request, and why. */
  public static final class Refused extends RuntimeException {
    private final int index;

    Refused(int index, String reason) {
      super(reason, null, false, false);
      this.index = index;
    }

    public int index() {
      return index;
    }
  }

  /** The customer of {@code email} (a plain, lower-case mailbox), read consistently; empty when there is none. */
  public Future<Optional<Recipient>> customer(String email) {
    return customers(List.of(email)).map(found -> Optional.ofNullable(found.get(email)));
  }

  /**
   * Each address (plain, lower-case, distinct mailboxes, at most 100) as its test email is
   * personalised: a customer with their own fields, anyone else with {@code sample}'s; fails with
   * {@link Refused} naming the first address that may not be reached, so that nothing is sent.
   */
  public Future<List<Recipient>> check(List<String> to, Recipient sample) {
    return customers(to).compose(found -> {
      List<Recipient> candidates = new ArrayList<>();
      for (int i = 0; i < to.size(); i++) {
        Recipient customer = found.get(to.get(i));
        boolean isListed = listed.contains(to.get(i));
        if (!isListed && (customer == null || !customer.subscribed())) {
          return Future.failedFuture(new Refused(i, customer == null
              ? "neither a customer nor in authoring.testRecipients" : "a customer who does not consent"));
        }
        // topic-free: only consent as a whole and the suppressions decide
        candidates.add(new Recipient(to.get(i), "", "", 0, true, Set.of(),
            customer == null ? 0L : customer.consentAt()));
      }
      return consent.blocked(candidates, topic).compose(blocked -> {
        for (int i = 0; i < to.size(); i++) {
          if (blocked.containsKey(to.get(i))) {
            return Future.failedFuture(new Refused(i, "suppressed (" + blocked.get(to.get(i)) + ")"));
          }
        }
        return Future.succeededFuture(personalised(to, found, sample));
      });
    });
  }

  private static List<Recipient> personalised(List<String> to, Map<String, Recipient> customers, Recipient sample) {
    return to.stream().map(email -> customers.containsKey(email) ? customers.get(email)
        : new Recipient(email, sample.name(), sample.gender(), sample.createTime(), true)).toList();
  }

  private Future<Map<String, Recipient>> customers(List<String> emails) {
    List<Map<String, AttributeValue>> keys = emails.stream()
        .map(email -> Map.of("Email", AttributeValue.fromS(email))).toList();
    return BatchGet.of(vertx, dynamo, Map.of(users, KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))
        .map(found -> {
          Map<String, Recipient> byEmail = new HashMap<>();
          found.getOrDefault(users, List.of()).stream().map(Recipient::fromItem)
              .forEach(recipient -> byEmail.put(recipient.email(), recipient));
          return byEmail;
        });
  }
}
