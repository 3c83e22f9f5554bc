CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, full_name TEXT, card TEXT, visits INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, user_email TEXT, note TEXT);
CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN
  INSERT INTO audit (user_email, note) VALUES (old.email, 'changed ' || old.full_name);
END;
INSERT INTO users (email, full_name, card, visits) VALUES
  ('jane.smith@acme-mail.io', 'Jane Smith', '4111 1111 1111 1111', 3),
  ('mark.young@young-family.org', 'Mark Young', '378282246310005', 7);
INSERT INTO audit (user_email, note) VALUES ('jane.smith@acme-mail.io', 'Jane Smith logged in from 81.2.69.160');
