from tests.access.samples import generic

FACTORIES = {"notifications.Notification": generic}
