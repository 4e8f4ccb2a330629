package io.mailroom.results;

/** Told each time a campaign counter of results went up (by the reputation guard, for one). */
@FunctionalInterface
public interface ResultListener {
  ResultListener NONE = (campaignId, counter) -> { };

  void counted(String campaignId, String counter);
}
