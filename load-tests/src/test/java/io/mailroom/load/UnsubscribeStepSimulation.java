package io.mailroom.load;

import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * Where the unsubscribe routes' knee is: the mixed load of {@link UnsubscribeSimulation} (half
 * pages, half one-clicks) in steps from {@code -Dfrom} (default 50) to {@code -Dto} (default 1,000)
 * requests a second, {@code -Dsteps} levels (default 11) of {@code -DstepSeconds} each (default
 * 10), after a warm-up of Gatling at the first step's rate. After the run it prints one line per
 * step (achieved rate, share refused, p50 and p99 of each kind) and names the knee: the first step
 * that refused any request, and the first whose p99 of 200s passed {@code -Dp99Ms} (default 50).
 * Nothing is asserted: above the knee, refusals are the expected answer. With
 * {@code -DcampaignAtStep=N} a campaign to every demo customer starts at step N, and each step's
 * line also shows the emails it sent per second (sending should go on undisturbed). Run with
 * {@code -Dgatling.simulationClass=io.mailroom.load.UnsubscribeStepSimulation}.
 */
public class UnsubscribeStepSimulation extends Simulation {
  private static final int FROM = Integer.getInteger("from", 50);
  private static final int TO = Integer.getInteger("to", 1000);
  private static final int STEPS = Integer.getInteger("steps", 11);
  private static final int STEP_SECONDS = Integer.getInteger("stepSeconds", 10);

  private static final int P99_MS = UnsubscribeRequests.P99_MS;
  /** The step at which a campaign to every demo customer starts ({@code -DcampaignAtStep}; -1: none). */
  private static final int CAMPAIGN_AT_STEP = Integer.getInteger("campaignAtStep", -1);

  private final MailroomNode node = new MailroomNode();
  private final Tally tally = new Tally();
  private final UnsubscribeRequests requests = new UnsubscribeRequests(tally);
  private final CampaignProbe campaign = new CampaignProbe(node.baseUrl());
  private final HttpProtocolBuilder protocol = http.baseUrl(node.baseUrl()).shareConnections();

  {
    double increment = (TO - FROM) / (double) Math.max(1, STEPS - 1);
    UnsubscribeRequests warm = UnsubscribeRequests.warmUp();
    setUp(scenario("warm-up pages").exec(warm.page()).injectOpen(warmUp())
            .andThen(scenario("preference page").exec(requests.page()).injectOpen(steps(increment))),
        scenario("warm-up one-clicks").exec(warm.oneClick()).injectOpen(warmUp())
            .andThen(scenario("one-click unsubscribe").exec(requests.oneClick()).injectOpen(steps(increment))))
        .protocols(protocol);
  }

  /** Gatling's own warm-up, at the first step's rate for {@code -DwarmSeconds} (default 10), left out of the figures. */
  private static io.gatling.javaapi.core.OpenInjectionStep warmUp() {
    return constantUsersPerSec(FROM / 2.0).during(Duration.ofSeconds(Integer.getInteger("warmSeconds", 10)));
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
    if (CAMPAIGN_AT_STEP >= 0) {
      campaign.start(System.currentTimeMillis(), CAMPAIGN_AT_STEP * STEP_SECONDS * 1000L);
    }
  }

  @Override
  public void after() {
    try {
      campaign.stop();
      report();
      UnsubscribeRequests.printNodeCounts();
    } finally {
      node.stop();
    }
  }

  private void report() {
    double increment = (TO - FROM) / (double) Math.max(1, STEPS - 1);
    String refusing = null;
    String slow = null;
    System.out.printf("%nstep load, %d to %d req/s, %d s a step (half pages, half one-clicks):%n", FROM, TO,
        STEP_SECONDS);
    for (int step = 0; step < STEPS; step++) {
      long from = step * STEP_SECONDS * 1000L;
      List<Tally.Answer> answers = tally.sentBetween(from, from + STEP_SECONDS * 1000L);
      long offered = Math.round(FROM + step * increment);
      double sending = campaign.ratePerSecond(from, from + STEP_SECONDS * 1000L);
      System.out.printf("  %4d req/s offered: %s%s%n", offered, Tally.summary(answers, STEP_SECONDS),
          sending < 0 ? "" : String.format(java.util.Locale.ROOT, " | campaign %.0f emails/s", sending));
      if (refusing == null && Tally.count(answers, a -> a.status() != 200) > 0) {
        refusing = offered + " req/s";
      }
      if (slow == null && over(answers)) {
        slow = offered + " req/s";
      }
    }
    System.out.printf("knee: first refusal at %s; first p99 of 200s over %d ms at %s%n",
        refusing == null ? "none" : refusing, P99_MS, slow == null ? "none" : slow);
  }

  private static boolean over(List<Tally.Answer> answers) {
    List<Integer> times = answers.stream().filter(a -> a.status() == 200).map(Tally.Answer::millis).sorted().toList();
    return !times.isEmpty() && times.get(Math.max(0, (int) Math.ceil(0.99 * times.size()) - 1)) > P99_MS;
  }
}
