package io.mailroom.local;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortTest {
  @Test
  void portsComeFromBelowTheEphemeralRangeOnceEachAndCanBeBound() throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ports.add(FreePort.pick());
    }
    assertThat(ports).doesNotHaveDuplicates().allMatch(port -> port < FreePort.ephemeralStart());
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
