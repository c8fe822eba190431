CREATE TABLE "order items" ("item id" INTEGER PRIMARY KEY, "unit price" INTEGER NOT NULL DEFAULT 0, "say ""hi""" TEXT);
CREATE INDEX "by price" ON "order items" ("unit price");
