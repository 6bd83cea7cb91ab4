#!/usr/bin/perl
# Seeds a fresh Request Tracker 5 database for the tests (run by scripts/rt-server.sh with
# RT_SITE_CONFIG_DIR pointing at the run's config): root's password re-hashed at the cheap BcryptCost,
# the ticket custom field "ExternalRef" (the helpdesk's reference, kept in the ticket) on queue General,
# a second queue "Helpdesk", a privileged "mypass-bot" user with the rights the helpdesk needs (not
# SuperUser), and a REST2 token for it, printed on stdout.
use strict; use warnings;
use lib "/usr/share/request-tracker5/lib";
use RT -init;
my $S = RT->SystemUser;
my ($ok, $msg);

my $root = RT::User->new($S); $root->Load('root');
($ok, $msg) = $root->SetPassword($ENV{RT_ROOT_PW} // 'ci-root-pw'); die "root pw: $msg" unless $ok;

my @queues;
for my $name (qw(General Helpdesk)) {
    my $q = RT::Queue->new($S); $q->Load($name);
    unless ($q->id) { ($ok, $msg) = $q->Create(Name => $name); die "queue $name: $msg" unless $ok; }
    push @queues, $q;
}

my $cf = RT::CustomField->new($S);
$cf->LoadByName(Name => 'ExternalRef', LookupType => RT::Ticket->CustomFieldLookupType);
unless ($cf->id) {
    ($ok, $msg) = $cf->Create(Name => 'ExternalRef', Type => 'FreeformSingle',
        LookupType => RT::Ticket->CustomFieldLookupType, Description => 'MyPass Helpdesk reference');
    die "cf: $msg" unless $ok;
}
for my $q (@queues) { $cf->AddToObject($q) unless $cf->IsAdded($q->id); }

my $bot = RT::User->new($S); $bot->Load('mypass-bot');
unless ($bot->id) {
    ($ok, $msg) = $bot->Create(Name => 'mypass-bot', EmailAddress => 'mypass-bot@example.test', Privileged => 1, Password => 'ci-bot-pw');
    die "bot: $msg" unless $ok;
}
for my $right (qw(SeeQueue ShowTicket CreateTicket ReplyToTicket CommentOnTicket ModifyTicket ShowTicketComments
                  SeeCustomField ModifyCustomField ManageAuthTokens)) {
    $bot->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
}

my $tok = RT::AuthToken->new($S);
my ($id, $m, $authstring) = $tok->Create(Owner => $bot->id, Description => 'mypass tests');
die "token: $m" unless $id;
print "$authstring\n";
