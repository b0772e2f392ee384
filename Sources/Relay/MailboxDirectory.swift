import NIOConcurrencyHelpers
import NIOCore

/// One `LoopMailbox` per event loop, shared by every stream.
final class MailboxDirectory: Sendable {
    private let boxes = NIOLockedValueBox<[ObjectIdentifier: LoopMailbox]>([:])
    private let mergeWriteDelay: TimeAmount

    /// `mergeWriteDelay`: see `LoopMailbox.mergeWriteDelay`.
    init(mergeWriteDelay: TimeAmount = .zero) {
        self.mergeWriteDelay = mergeWriteDelay
    }

    func mailbox(for loop: EventLoop) -> LoopMailbox {
        boxes.withLockedValue { boxes in
            let id = ObjectIdentifier(loop)
            if let box = boxes[id] { return box }
            let box = LoopMailbox(eventLoop: loop, mergeWriteDelay: mergeWriteDelay)
            boxes[id] = box
            return box
        }
    }
}
