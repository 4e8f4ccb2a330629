package io.mailroom.testing;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny DNS server on a loopback UDP port that answers TXT and CNAME questions from maps the
 * test fills (dnsjava's Message classes on the wire); any other name has no answer.
 */
public final class LoopbackDns implements AutoCloseable {
  private final DatagramSocket socket;
  private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
  private final Map<String, String> cname = new ConcurrentHashMap<>();
  private final Thread thread;

  public LoopbackDns() throws IOException {
    this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "loopback-dns");
    thread.setDaemon(true);
    thread.start();
  }

  /** {@code HOST:PORT} for a resolver. */
  public String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  public LoopbackDns txt(String name, String... texts) {
    txt.put(name.toLowerCase(), List.of(texts));
    return this;
  }

  public LoopbackDns cname(String name, String target) {
    cname.put(name.toLowerCase(), target);
    return this;
  }

  public void clear() {
    txt.clear();
    cname.clear();
  }

  private void serve() {
    byte[] buffer = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        byte[] reply = answer(new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()))).toWire();
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      } catch (IOException e) {
        // closed, or a packet that is not DNS: nothing to answer
      }
    }
  }

  private Message answer(Message query) throws IOException {
    Record question = query.getQuestion();
    Message reply = new Message(query.getHeader().getID());
    reply.getHeader().setFlag(Flags.QR);
    reply.getHeader().setFlag(Flags.AA);
    reply.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    String key = name.toString(true).toLowerCase();
    if (question.getType() == Type.TXT) {
      for (String text : txt.getOrDefault(key, List.of())) {
        reply.addRecord(new TXTRecord(name, DClass.IN, 60, text), Section.ANSWER);
      }
    } else if (question.getType() == Type.CNAME && cname.containsKey(key)) {
      reply.addRecord(new CNAMERecord(name, DClass.IN, 60, Name.fromString(cname.get(key), Name.root)),
          Section.ANSWER);
    }
    return reply;
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
