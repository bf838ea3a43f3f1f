/**
 * Reliability tests that run the real {@code stowage serve} in child JVMs and hurt it: {@code kill -9} at random
 * points and at named crash points, SIGTERM with work in flight, a full file system, stalled and vanished
 * clients. {@code docs/reliability.md} lists each promise with the test that proves it. The
 * clients here are the JDK's {@code java.net.http} ones, independent of the server's own Netty code.
 */
package io.stowage.reliability;
