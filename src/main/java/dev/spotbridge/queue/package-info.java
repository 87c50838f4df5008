/**
 * Queue: what travels on Spotbridge's queues and what becomes of it when its work is not done. The
 * change event (small JSON text, no Java serialisation), the handler contract of list and job work
 * and its outcomes, the queues' JNDI names, and the one redelivery policy of every consumer: put
 * off for a request limit, dead-lettered when refused for good, otherwise rolled back for the
 * broker's back-off.
 */
package dev.spotbridge.queue;
