-- Invoice and line-item statuses are a closed set, the GraphQL enums InvoiceStatus and
-- InvoiceLineItemStatus: the gateway records paid invoices only. A status outside the set would
-- make every read of its invoice fail, so the database refuses to hold one.
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_status_known" CHECK ("status" IN ('paid'));
ALTER TABLE "invoice_line_items" ADD CONSTRAINT "invoice_line_items_status_known" CHECK ("status" IN ('paid'));
