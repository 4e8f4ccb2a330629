package io.mailroom.config;

/**
 * The reputation guard's thresholds: a campaign is paused once it sent {@code minSample} emails
 * and its hard-bounce or complaint rate (fractions: 0.04 is 4 %) passes its maximum; with
 * {@code pauseOnProbation}, queued and running campaigns are paused when SES's enforcement status
 * changes to one that is not HEALTHY (once per change; resuming is the operator's choice).
 */
public record Reputation(int minSample, double maxBounceRate, double maxComplaintRate, boolean pauseOnProbation) { }
