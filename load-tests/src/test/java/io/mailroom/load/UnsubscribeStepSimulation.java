package io.mailroom.load;

import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * Where the unsubscribe routes' knee is: the mixed load of {@link UnsubscribeSimulation} (half
 * pages, half one-clicks) in steps from {@code -Dfrom} (default 50) to {@code -Dto} (default 1,000)
 * requests a second, {@code -Dsteps} levels (default 11) of {@code -DstepSeconds} each (default
 * 10). After the run it prints one line per step (achieved rate, share refused, p50 and p99 of each
 * kind) and names the knee: the first step that refused any request or whose p99 of 200s passed
 * {@code -Dp99Ms} (default 50). Nothing is asserted: above the knee, refusals are the expected
 * answer. Run with {@code -Dgatling.simulationClass=io.mailroom.load.UnsubscribeStepSimulation}.
 */
public class UnsubscribeStepSimulation extends Simulation {
  private static final int FROM = Integer.getInteger("from", 50);
  private static final int TO = Integer.getInteger("to", 1000);
  private static final int STEPS = Integer.getInteger("steps", 11);
  private static final int STEP_SECONDS = Integer.getInteger("stepSeconds", 10);

  private static final int P99_MS = UnsubscribeRequests.P99_MS;

  private final MailroomNode node = new MailroomNode();
  private final Tally tally = new Tally();
  private final UnsubscribeRequests requests = new UnsubscribeRequests(tally);
  private final HttpProtocolBuilder protocol = http.baseUrl(node.baseUrl()).shareConnections();

  {
    double increment = (TO - FROM) / (double) Math.max(1, STEPS - 1);
    setUp(scenario("preference page").exec(requests.page()).injectOpen(steps(increment)),
        scenario("one-click unsubscribe").exec(requests.oneClick()).injectOpen(steps(increment)))
        .protocols(protocol);
  }

  /** Half of each step's rate (the other scenario sends the other half). */
  private static io.gatling.javaapi.core.OpenInjectionStep steps(double increment) {
    return incrementUsersPerSec(increment / 2).times(STEPS).eachLevelLasting(Duration.ofSeconds(STEP_SECONDS))
        .startingFrom(FROM / 2.0);
  }

  @Override
  public void before() {
    UnsubscribeRequests.startWarmed(node);
    tally.begin();
  }

  @Override
  public void after() {
    try {
      report();
      UnsubscribeRequests.printNodeCounts();
    } finally {
      node.stop();
    }
  }

  private void report() {
    double increment = (TO - FROM) / (double) Math.max(1, STEPS - 1);
    String knee = null;
    System.out.printf("%nstep load, %d to %d req/s, %d s a step (half pages, half one-clicks):%n", FROM, TO,
        STEP_SECONDS);
    for (int step = 0; step < STEPS; step++) {
      long from = step * STEP_SECONDS * 1000L;
      List<Tally.Answer> answers = tally.sentBetween(from, from + STEP_SECONDS * 1000L);
      long offered = Math.round(FROM + step * increment);
      System.out.printf("  %4d req/s offered: %s%n", offered, Tally.summary(answers, STEP_SECONDS));
      if (knee == null && (Tally.count(answers, a -> a.status() != 200) > 0 || over(answers))) {
        knee = offered + " req/s";
      }
    }
    System.out.printf("knee: %s%n", knee == null ? "not reached" : "at " + knee
        + " (the first step with a refusal, or p99 of 200s over " + P99_MS + " ms)");
  }

  private static boolean over(List<Tally.Answer> answers) {
    List<Integer> times = answers.stream().filter(a -> a.status() == 200).map(Tally.Answer::millis).sorted().toList();
    return !times.isEmpty() && times.get(Math.max(0, (int) Math.ceil(0.99 * times.size()) - 1)) > P99_MS;
  }
}
