CREATE TABLE "order items" ("item id" INTEGER PRIMARY KEY, "unit price" INT, "say ""hi""" TEXT);
CREATE INDEX "by price" ON "order items" ("unit price");
