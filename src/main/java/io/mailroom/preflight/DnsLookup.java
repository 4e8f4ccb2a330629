package io.mailroom.preflight;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TXT and CNAME questions to one resolver (dnsjava): a given {@code HOST:PORT}, or the system's
 * first name server. One question, no search path, no cache; each with a timeout.
 */
public final class DnsLookup {
  private final Resolver resolver;

  /** {@code server} "" for the system's resolver, else {@code HOST} or {@code HOST:PORT}. */
  public DnsLookup(String server, Duration timeout) throws IOException {
    SimpleResolver simple;
    if (server.isEmpty()) {
      simple = new SimpleResolver();
    } else {
      int colon = server.lastIndexOf(':');
      simple = colon < 0 ? new SimpleResolver(server)
          : new SimpleResolver(new InetSocketAddress(server.substring(0, colon),
              Integer.parseInt(server.substring(colon + 1))));
    }
    simple.setTimeout(timeout);
    this.resolver = simple;
  }

  /** Every TXT string of the name, each record's strings joined. */
  public List<String> txt(String name) throws IOException {
    List<String> texts = new ArrayList<>();
    for (Record r : ask(name, Type.TXT)) {
      if (r instanceof TXTRecord txt) {
        texts.add(String.join("", txt.getStrings()));
      }
    }
    return texts;
  }

  /** The CNAME target of the name, without the final dot; empty when there is none. */
  public Optional<String> cname(String name) throws IOException {
    for (Record r : ask(name, Type.CNAME)) {
      if (r instanceof CNAMERecord cname) {
        String target = cname.getTarget().toString();
        return Optional.of(target.endsWith(".") ? target.substring(0, target.length() - 1) : target);
      }
    }
    return Optional.empty();
  }

  private List<Record> ask(String name, int type) throws IOException {
    Message query;
    try {
      query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
    } catch (TextParseException e) {
      throw new IOException("not a domain name: " + name, e);
    }
    Message answer = resolver.send(query);
    int rcode = answer.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      throw new IOException("the resolver answered " + Rcode.string(rcode) + " for " + name);
    }
    return answer.getSection(Section.ANSWER);
  }
}
