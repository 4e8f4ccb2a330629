package io.mailroom.config;

/**
 * The reputation guard's thresholds: a campaign is paused once it sent {@code minSample} emails
 * and its hard-bounce or complaint rate (fractions: 0.04 is 4 %) passes its maximum; with
 * {@code pauseOnProbation}, running campaigns are paused while SES's enforcement status is not HEALTHY.
 */
public record Reputation(int minSample, double maxBounceRate, double maxComplaintRate, boolean pauseOnProbation) { }
