from horizon import exceptions
from horizon import tables


class ApiTableView(tables.DataTableView):
    """A table of what one call to the container service lists; a failure shows as Horizon's message over an empty
    table, never as an error page."""
    list_call = None
    error_message = None

    def get_data(self):
        try:
            return self.list_call(self.request)
        except Exception:
            exceptions.handle(self.request, self.error_message)
            return []
