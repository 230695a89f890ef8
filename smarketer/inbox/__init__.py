"""The inbox loop: replies, bounces and unsubscribes read from the owner's own mailbox."""
