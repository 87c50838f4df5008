-- The link a click was on (its URL, from the mailing's links), for the email activity's list of clicked links.
ALTER TABLE interaction ADD COLUMN link_url VARCHAR(2000);
